"""Toy training entry point used to test code hashing."""
import sys

print("training with", sys.argv[1:])
