"""milvus-migrate: the CLI and the file pipeline."""
