"""The tabular layout of a record (sheets, columns, rows), derived from the schema model.

The workbook format fills it in; another tabular format would too.
"""
