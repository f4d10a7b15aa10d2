"""The roadmap as data: its schema, loading with located errors, and rendering to Markdown."""
