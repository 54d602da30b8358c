"""A collective's own pictures: logos (PNG, JPEG, SVG) and photos, checked before use.

Contract: ``load_artwork(path, role)`` (in ``affiches.images.load``) is the only way a
user's image enters the program; it returns an immutable ``Artwork`` or raises
``ImageError`` with a one-line French message naming the file and the limit.
``artwork`` holds the data class (a leaf module the scene may import), ``svg`` the
hardened SVG reading, ``photo`` the pure pixel work (crop, contrast, darkening).
"""
