"""Administration of the generic submission link."""
