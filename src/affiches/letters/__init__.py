"""Letters to the mayor and requests for documents: layouts, composition, files."""
