"""Report builders (PDF, Excel): they take data already fetched and run no queries."""
