"""Built-in plugins: the core's own features, written against the same hooks a third party uses."""
