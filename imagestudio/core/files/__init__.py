"""Files and bytes from outside: atomic writes, safe reading, image and SVG checks, provenance."""
