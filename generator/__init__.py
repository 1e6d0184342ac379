"""lessonpack: online-safety session packs for every age band."""

__version__ = "0.1.0"
