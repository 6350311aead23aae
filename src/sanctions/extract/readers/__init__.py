"""One reader per document format, each turning bytes into text parts; `extract.document`
detects the format and joins the parts into a `Document`."""
