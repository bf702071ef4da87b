"""The domain: vocabulary, rules, scoring maths, the audit chain, permissions, errors and the
value types that cross layers. Pure: it imports no use case, no port and no library of storage
or screen."""
