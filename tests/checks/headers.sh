#!/usr/bin/env bash
# Every public header must compile on its own: as C99 with -pedantic and
# as C++ (libgit2's headertest). Usage: headers.sh SRCDIR BUILDDIR CC CXX
set -u
src=$1 build=$2 cc=$3 cxx=$4
inc=(-I"$src/include" -I"$build/include" -I"$src/include/medsafety" -I"$build/include/medsafety")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
headers=$(cd "$src/include" && find medsafety -name '*.h' | sort; echo medsafety/version.h)
for h in $headers; do
	n=$((n + 1))
	printf '#include <%s>\n#include <%s>\nint main(void) { return 0; }\n' "$h" "$h" > "$tmp/t.c"
	if ! "$cc" -std=c99 -pedantic -Wall -Wextra -Werror "${inc[@]}" -c "$tmp/t.c" -o "$tmp/t.o" 2> "$tmp/err"; then
		echo "FAIL (C99): $h"; cat "$tmp/err"; fail=1
	fi
	cp "$tmp/t.c" "$tmp/t.cpp"
	if ! "$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror "${inc[@]}" -c "$tmp/t.cpp" -o "$tmp/t.o" 2> "$tmp/err"; then
		echo "FAIL (C++): $h"; cat "$tmp/err"; fail=1
	fi
done
# the umbrella header must include every public header
for h in $(cd "$src/include/medsafety" && ls *.h | grep -v '^medsafety.h$'); do
	grep -q "\"$h\"" "$src/include/medsafety/medsafety.h" ||
		{ echo "FAIL: medsafety.h does not include $h"; fail=1; }
done
echo "checked $n headers as C99 and C++"
exit $fail
