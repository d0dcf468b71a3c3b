"""The entry form (填报): one department's whole year of one region in one page."""
