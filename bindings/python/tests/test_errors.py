"""Library errors become ms.Error subclasses with the code and the message."""

import threading
import unittest

from support import TempDir, make_dataset, ms

from medsafety import errors

EXPECTED = {
    -1: ms.Error, -2: ms.InvalidArgument, -3: ms.OutOfMemory, -4: ms.IOFailure,
    -5: ms.ParseError, -6: ms.NotFound, -7: ms.Canceled, -8: ms.HTTPError, -9: ms.Timeout,
    -10: ms.CallbackError, -11: ms.AlreadyExists, -12: ms.VersionError, -13: ms.StateError,
    -14: ms.ChecksumError, -15: ms.LimitExceeded, -16: ms.Unsupported, -17: ms.Mismatch,
}


class ErrorTest(unittest.TestCase):
    def test_every_code_has_its_class(self):
        for code, cls in EXPECTED.items():
            e = errors.error_for_code(code, "what and where")
            self.assertIs(type(e), cls)
            self.assertEqual(e.code, code)
            self.assertEqual(e.message, "what and where")
            self.assertIsInstance(e, ms.Error)
        unknown = errors.error_for_code(-99, "x")
        self.assertIs(type(unknown), ms.Error)
        self.assertEqual(unknown.code, -99)

    def test_pythonic_bases(self):
        self.assertTrue(issubclass(ms.InvalidArgument, ValueError))
        self.assertTrue(issubclass(ms.NotFound, LookupError))
        self.assertTrue(issubclass(ms.IOFailure, OSError))
        self.assertTrue(issubclass(ms.Timeout, TimeoutError))

    def test_duplicate_id_raises_already_exists_with_message(self):
        with ms.Dataset() as ds:
            ds.add("a", id="x/1")
            with self.assertRaises(ms.AlreadyExists) as cm:
                ds.add("b", id="x/1")
        self.assertEqual(cm.exception.code, -11)
        self.assertIn("x/1", cm.exception.message)

    def test_invalid_principle(self):
        with ms.Dataset() as ds, self.assertRaises(ms.InvalidArgument) as cm:
            ds.add("a", principle=12)
        self.assertEqual(cm.exception.code, -2)
        self.assertIn("12", str(cm.exception))

    def test_missing_file_raises_not_found_naming_it(self):
        with TempDir() as d:
            path = d + "/no-such-file.csv"
            with self.assertRaises(ms.NotFound) as cm:
                ms.Dataset.load(path)
        self.assertEqual(cm.exception.code, -6)
        self.assertIn("no-such-file.csv", cm.exception.message)

    def test_closed_object_raises_state_error(self):
        ds = make_dataset(1)
        ds.close()
        ds.close()  # twice is fine
        with self.assertRaises(ms.StateError):
            len(ds)

    def test_messages_belong_to_the_failing_thread(self):
        # msb_error_last is per thread: each thread reads its own message.
        # (One dataset per thread: msb_dataset_add needs exclusive access.)
        sets = [ms.Dataset() for _ in range(8)]
        for i, ds in enumerate(sets):
            ds.add("p", id=f"dup/{i}")
        seen = {}
        barrier = threading.Barrier(8)

        def worker(i):
            barrier.wait()
            for _ in range(200):
                try:
                    sets[i].add("p", id=f"dup/{i}")
                except ms.AlreadyExists as e:
                    if f"dup/{i}'" not in e.message:
                        seen[i] = e.message
                        return
            seen.setdefault(i, None)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for ds in sets:
            ds.close()
        self.assertEqual(seen, {i: None for i in range(8)})


if __name__ == "__main__":
    unittest.main()
