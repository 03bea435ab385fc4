"""leadprep."""
