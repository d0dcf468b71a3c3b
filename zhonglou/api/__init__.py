"""What every endpoint of the REST API shares: authentication by API key, the error body,
pagination, throttling and the CSV / XLSX renderers."""
