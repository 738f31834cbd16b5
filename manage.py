#!/usr/bin/env python
from wanlixing.cli import main

if __name__ == "__main__":
    main()
