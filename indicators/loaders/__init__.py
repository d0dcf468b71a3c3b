"""Loading reference data files (framework editions, regions) into the database."""
