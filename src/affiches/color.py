"""Colours: an RGB value with an optional CMYK form, and WCAG contrast.

Contract: pure values, no imports from the rest of the package; the scene, the
layout model and the writers all use these.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Color:
    """A colour with its RGB form (0–1) and, when the layout gives one, its CMYK form (0–1)."""

    rgb: tuple[float, float, float]
    cmyk: tuple[float, float, float, float] | None = None

    @property
    def hex(self) -> str:
        return "#" + "".join(f"{round(c * 255):02X}" for c in self.rgb)

    def rgb255(self) -> tuple[int, int, int]:
        r, g, b = (round(c * 255) for c in self.rgb)
        return (r, g, b)

    def luminance(self) -> float:
        """Relative luminance (WCAG 2)."""

        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (lin(c) for c in self.rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((a.luminance(), b.luminance()), reverse=True)
    return (la + 0.05) / (lb + 0.05)
