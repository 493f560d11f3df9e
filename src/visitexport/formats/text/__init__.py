"""Plain text: the release rendered from the document layer (`codec`)."""
