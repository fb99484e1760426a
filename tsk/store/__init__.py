"""The storage layer: the connection (db), the schema and its migrations, the models, and every SQL statement."""
