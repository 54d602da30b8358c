/* The page's script: suggestions for « Votre ville », live previews, copy button.
   Without it the form still works: it posts to /kit.zip and gets the ZIP. */
"use strict";

(function () {
  const form = document.getElementById("formulaire");
  if (!form) return;
  const city = document.getElementById("ville");
  const list = document.getElementById("ville-suggestions");
  const chosen = document.getElementById("ville-retenue");
  const results = document.getElementById("resultats");
  const state = document.getElementById("etat");
  const previews = document.querySelector(".apercus");
  const altText = document.getElementById("texte-alternatif");
  const files = document.getElementById("fichiers");
  const BUSY = "Trop de demandes, réessayez dans quelques secondes.";
  let sequence = 0;
  let timer = null;
  let suggestTimer = null;
  let suggestSequence = 0;
  let active = -1;

  results.hidden = false;

  function query() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value);
    }
    return params.toString();
  }

  function showErrors(errors) {
    for (const slot of form.querySelectorAll(".erreur[data-champ]")) {
      const name = slot.dataset.champ;
      slot.textContent = errors[name] || "";
      const input = document.getElementById(name);
      if (input && input.matches("input, select")) {
        if (errors[name]) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
      const box = slot.closest(".champ, fieldset");
      if (box) box.classList.toggle("en-erreur", Boolean(errors[name]));
    }
  }

  function setState(text, busy) {
    state.textContent = text;
    state.classList.toggle("occupe", Boolean(busy));
  }

  function previewWidth(img) {
    const css = img.getBoundingClientRect().width || 300;
    const px = Math.ceil((css * (window.devicePixelRatio || 1)) / 50) * 50;
    return Math.min(1400, Math.max(150, px));
  }

  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /* A 503 means the server is full: say so, wait a little, try again (a few times). */
  async function fetchPatiently(url, mine, body) {
    for (let attempt = 1; ; attempt++) {
      const response = await (body ? fetch(url, { method: "POST", body: body }) : fetch(url));
      if (response.status !== 503 || attempt === 4 || mine !== sequence) return response;
      setState(BUSY, true);
      await pause(600 * attempt);
      if (mine !== sequence) return response;
    }
  }

  async function loadPreview(key, url, mine) {
    const img = document.getElementById("apercu-" + key);
    const body = new FormData(form);  // with the logo and photo, if any
    body.set("largeur", String(previewWidth(img)));
    const response = await fetchPatiently(url, mine, body);
    if (mine !== sequence) return true;
    if (response.status === 503) {
      setState(BUSY, true);
      return false;
    }
    if (!response.ok) return false;
    const blob = await response.blob();
    if (mine !== sequence) return true;
    const old = img.dataset.blob;
    img.src = URL.createObjectURL(blob);
    img.dataset.blob = img.src;
    if (old) URL.revokeObjectURL(old);
    return true;
  }

  /* Each file is a button that posts the whole form: nothing typed goes in a URL. */
  function renderFiles(data) {
    files.replaceChildren();
    for (const file of data.fichiers) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "lien";
      button.setAttribute("formaction", file.url);
      button.setAttribute("formmethod", "post");
      button.textContent = file.libelle;
      item.append(button, " — " + file.nom);
      files.append(item);
    }
    const letters = data.lettres || { notes: [], courriels: [] };
    const box = document.getElementById("lettres-resultat");
    const notes = document.getElementById("lettres-notes");
    const mails = document.getElementById("lettres-courriels");
    notes.replaceChildren();
    mails.replaceChildren();
    for (const note of letters.notes) {
      const item = document.createElement("li");
      item.textContent = note;
      notes.append(item);
    }
    for (const mail of letters.courriels) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = mail.mailto;
      link.textContent = mail.libelle + " : l’écrire à la mairie dans votre messagerie";
      item.append(link);
      mails.append(item);
    }
    box.hidden = letters.notes.length === 0 && letters.courriels.length === 0;
  }

  async function update() {
    const mine = ++sequence;
    if (city.value.trim() === "") {
      setState("Tapez le nom de votre ville pour voir les aperçus.");
      return;
    }
    previews.classList.add("en-cours");
    setState("Mise à jour des aperçus…");
    let response;
    try {
      response = await fetchPatiently("/api/verifier", mine, new FormData(form));
    } catch (error) {
      if (mine === sequence) setState("Le serveur ne répond pas ; réessayez dans quelques secondes.", true);
      return;
    }
    if (mine !== sequence) return;
    if (response.status === 503) {
      setState(BUSY, true);
      previews.classList.remove("en-cours");
      return;
    }
    const data = await response.json();
    if (mine !== sequence) return;
    if (!data.ok) {
      showErrors(data.erreurs || {});
      setState("Corrigez le champ signalé pour mettre à jour les aperçus.", true);
      previews.classList.remove("en-cours");
      return;
    }
    showErrors({});
    const v = data.ville;
    chosen.textContent = v.commune
      ? "Commune retenue : " + v.nom + " (" + v.departement + ")." + (v.notes.length ? " " + v.notes.join(" ") : "")
      : v.notes.join(" ");
    altText.value = data.texte_alternatif;
    renderFiles(data);
    const done = await Promise.all(
      Object.entries(data.apercus).map(([key, url]) => loadPreview(key, url, mine).catch(() => false))
    );
    if (mine !== sequence) return;
    previews.classList.remove("en-cours");
    if (done.every(Boolean)) setState("Aperçus à jour pour " + v.nom + ".");
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  }

  /* ---------------------------------------------------------------- suggestions */

  function options() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }

  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    city.setAttribute("aria-expanded", "false");
    city.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", i === active ? "true" : "false"));
    city.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function pick(item) {
    city.value = item.dataset.valeur;
    closeList();
    city.focus();
    schedule();
  }

  async function suggest() {
    const mine = ++suggestSequence;
    const typed = city.value;
    if (typed.trim().length < 2) {
      closeList();
      return;
    }
    let data;
    try {
      const response = await fetch("/api/communes?q=" + encodeURIComponent(typed));
      if (!response.ok) return;
      data = await response.json();
    } catch (error) {
      return;
    }
    if (mine !== suggestSequence || document.activeElement !== city) return;
    list.replaceChildren();
    active = -1;
    data.suggestions.forEach((s, i) => {
      const item = document.createElement("li");
      item.id = "ville-option-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.valeur = s.valeur;
      const name = document.createElement("span");
      name.textContent = s.nom;
      const dep = document.createElement("span");
      dep.className = "dep";
      dep.textContent = "(" + s.departement + ")";
      item.append(name, dep);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(item);
      });
      list.append(item);
    });
    const any = data.suggestions.length > 0;
    list.hidden = !any;
    city.setAttribute("aria-expanded", any ? "true" : "false");
  }

  city.addEventListener("input", () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 120);
  });
  city.addEventListener("keydown", (event) => {
    const open = !list.hidden && options().length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      pick(options()[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeList();
    }
  });
  city.addEventListener("blur", () => setTimeout(closeList, 150));

  /* ---------------------------------------------------------------- the rest */

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  document.getElementById("copier").addEventListener("click", async () => {
    const status = document.getElementById("copie-etat");
    try {
      await navigator.clipboard.writeText(altText.value);
    } catch (error) {
      altText.select();
      document.execCommand("copy");
    }
    status.textContent = "Texte copié.";
    setTimeout(() => { status.textContent = ""; }, 3000);
  });

  if (city.value.trim() !== "") update();
  else setState("Tapez le nom de votre ville pour voir les aperçus.");
})();
