"""A stand-in for a hostile PDF's check: never finishes (run as ``python -m tests.files.spin``)."""

if __name__ == "__main__":
    while True:
        pass
