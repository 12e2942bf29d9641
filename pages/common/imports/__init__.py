"""The Import page's components: the upload and the plan read from it (upload.py), the mapping and preview
(preview.py), the import itself and its result (commit.py), the reporting currency and rates (currency.py) and the
demo reload (demo.py); keys.py names the session keys."""
