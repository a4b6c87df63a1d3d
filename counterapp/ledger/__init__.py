"""The ledger (台账): one definition of every figure of the counter, for the window, the
exports and the county alike. `facts` are the raw records a figure is computed from (the
station reads them from its store in `station_facts`, the hub from synced records);
`figures.compute` turns them into the figures with the rule each one measures."""
