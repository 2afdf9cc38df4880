"""Buyer-side pages: accounts and home (``accounts``), shortlists, exports, records, saved searches and alerts,
and staff's lists. Views are thin: forms and filters read input, ``buyers.services`` does the work."""
