"""Plain text: a release read into a record (`codec.ingest`: `lines`, `classify`, `header`, `tables`, `read`,
`record`) and rendered from one (`render`), byte for byte."""
