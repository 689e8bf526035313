"""What images cost: prices, estimates before sending, and the ledger of every paid call."""
