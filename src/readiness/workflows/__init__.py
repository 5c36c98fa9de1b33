"""What the commands do, as plain functions; the only place that imports MLflow."""
