"""Native lead sources: each kind's parsing and default mapping."""
