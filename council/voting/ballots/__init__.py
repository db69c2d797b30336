"""Binding votes: a frozen electorate, a secret ballot box with receipts, a published count."""
