"""The data contract and its files: validate, read, write, and import an export."""
