"""Reports: the registry and its plain tables, the portfolio at any date and its reports,
the gérant's dashboard. Reports read; they never write."""
