"""Sources of truth: which files a run reads (roadmap.yaml or Markdown lists), and how."""
