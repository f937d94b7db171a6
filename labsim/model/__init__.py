"""One replication in SimPy: arrivals, staffed stages, routes, strikes, records."""
