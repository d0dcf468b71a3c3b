"""The dossier's documents, each written from one ``dossier.table.IndicatorTable``."""
