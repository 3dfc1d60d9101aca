"""The export file format (docs/export-format.md): check a file record by record, and turn records
back into plain data.

Pure rules, shared by `stretchtui export`, `stretchtui import` and the demo generator, in one
module per concern. Nothing is re-exported here: each caller imports the module it needs, so the
store and the commands load the checks only when they import a file.

- `bundle`: the format's name, version and sections, the validated records (`Bundle`), what an
  import did (`ImportResult`) and the counts a summary lists.
- `rules`: the checks of one field and of one record, derived from the record definitions.
- `reading`: a file checked as it is read (`read_export`), with the checks across records.
- `writing`: records back into plain data for the JSON and CSV writers (`to_plain`, `csv_rows`).

A name with a leading underscore is shared by these modules only, never used outside the package.
"""
