"""Forms of the voting pages, one module per group of pages."""
