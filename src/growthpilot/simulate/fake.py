"""Fake but deterministic personal data (names, e-mails, phones, addresses) and id formatting."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FIRST = np.array(["Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Ines", "Jack", "Lena",
                  "Marco", "Nina", "Oscar", "Paula", "Ravi", "Sara", "Tom", "Yuki", "Zoe", "Li", "Wei", "Mei",
                  "Jun", "Hana", "Omar", "Leila", "Sven", "Ana", "Luca"], dtype=object)
LAST = np.array(["Smith", "Jones", "Brown", "Müller", "Schmidt", "Martin", "Bernard", "Garcia", "Rossi", "Wang",
                 "Li", "Zhang", "Chen", "Tanaka", "Sato", "Novak", "Kowalski", "Silva", "Dubois", "Walker",
                 "Lopez", "Nguyen", "Kim", "Ivanova", "Hansen"], dtype=object)
STREETS = np.array(["High Street", "Station Road", "Main Street", "Park Avenue", "Church Lane", "Mill Road",
                    "Garden Way", "River Walk", "Market Square", "Oak Drive"], dtype=object)
DOMAINS = np.array(["example.com", "example.org", "example.net", "mail.example"], dtype=object)


def ids(prefix: str, numbers: np.ndarray, width: int = 7) -> np.ndarray:
    """Vectorised ``f"{prefix}{n:0{width}d}"`` as an object array (fast, via Arrow)."""
    s = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, s, "").to_numpy(zero_copy_only=False)


def join(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars (via Arrow)."""
    arrs = [p if isinstance(p, str) else pa.array(np.asarray(p, dtype=object).astype(str)) for p in parts]
    return pc.binary_join_element_wise(*arrs, "").to_numpy(zero_copy_only=False)


def personal(rng: np.random.Generator, numbers: np.ndarray, cities: np.ndarray, phone_prefix: np.ndarray) -> dict:
    """Name, e-mail, phone and address per customer number (numbers make e-mails unique)."""
    n = len(numbers)
    first = FIRST[rng.integers(len(FIRST), size=n)]
    last = LAST[rng.integers(len(LAST), size=n)]
    name = join(first, " ", last)
    email = join(pc.utf8_lower(pa.array(first.astype(str))).to_numpy(zero_copy_only=False), ".",
                 pc.utf8_lower(pa.array(last.astype(str))).to_numpy(zero_copy_only=False), ".",
                 np.asarray(numbers).astype(str), "@", DOMAINS[rng.integers(len(DOMAINS), size=n)])
    phone = join(phone_prefix, " ", rng.integers(100, 999, n).astype(str), " ",
                 rng.integers(1000, 9999, n).astype(str))
    address = join(rng.integers(1, 250, n).astype(str), " ", STREETS[rng.integers(len(STREETS), size=n)], ", ", cities)
    return {"name": name, "email": email, "phone": phone, "address": address}
