"""Pure functions on tables: the KPI catalog, KPIs, summaries, results."""
