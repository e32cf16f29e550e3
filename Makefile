# Baken: GNU make + pkg-config, out-of-tree build.
#   make            build/baken
#   make run        install, build, demo database, show it
#   make test       install, build, unit + end-to-end tests (on SQLite and on a throwaway
#                   PostgreSQL), then all again under ASan+UBSan
#   make asan       build-asan/baken with AddressSanitizer and UndefinedBehaviorSanitizer
#   make bench      benchmarks (bench/), not tests
#   make lint       clang-format check and cppcheck

B ?= build
PKGS := sqlite3 jansson libsodium libcurl libmicrohttpd libpq libzstd libcrypto
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla \
	-Wformat=2 -Wno-format-nonliteral -fno-strict-aliasing -Isrc -I$(B)/gen \
	$(shell pkg-config --cflags $(PKGS))
LDLIBS += $(shell pkg-config --libs $(PKGS)) -lgpgme -lcsv -lm
TEST_LDLIBS := $(shell pkg-config --libs cmocka)

ifdef SAN
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

SRCS := $(shell find src -name '*.c' ! -name main.c | sort)
OBJS := $(SRCS:%.c=$(B)/obj/%.o)
SCHEMA := $(sort $(wildcard src/db/schema/*.sql))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all run test check unit deliver e2e e2e-pg browser asan bench lint fuzz clean deps
all: $(B)/baken

deps:
	@./scripts/install-deps

# Regenerated on every build but replaced only when it changes, so that a migration added with
# an old timestamp is never missed and migrate.o is rebuilt only when needed.
$(B)/gen/schema.inc: FORCE
	@mkdir -p $(@D)
	@./scripts/embed-schema $(SCHEMA) > $@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@; }

FORCE:

$(B)/obj/src/db/migrate.o: $(B)/gen/schema.inc

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/libbaken.a: $(OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/baken: $(B)/obj/src/main.o $(B)/libbaken.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libbaken.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libbaken.a $(LDLIBS) $(TEST_LDLIBS)

unit: $(UNIT_BINS)
	@./tests/run-unit $(UNIT_BINS)

# SMTP and webhook delivery against real servers on loopback (tests/deliver_check.c)
$(B)/deliver_check: tests/deliver_check.c $(B)/libbaken.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libbaken.a $(LDLIBS)

deliver: $(B)/deliver_check
	@$(B)/deliver_check all

e2e: $(B)/baken
	@BAKEN=$(abspath $(B)/baken) ./tests/run-e2e

# The same end-to-end tests on PostgreSQL: a throwaway server (initdb into a temporary
# directory, a loopback port, stopped at the end), a database per script.
# Under the sanitizers the workers' test delivers 5,000 alerts instead of 20,000.
e2e-pg: $(B)/baken
	@BAKEN=$(abspath $(B)/baken) $(if $(SAN),PG_ALERTS=5000) ./tests/pg/with-postgres ./tests/run-e2e

# One pass of every test against one build directory: the end-to-end tests on both backends.
check: unit deliver e2e e2e-pg

# The pages in headless chromium (tests/browser/), once, against the plain build.
browser: $(B)/baken
	@BAKEN=$(abspath $(B)/baken) ./tests/browser/run

test: deps
	$(MAKE) check
	$(MAKE) browser
	$(MAKE) check B=build-asan SAN=1
	@echo "make test: all suites passed, plain and under ASan+UBSan"

asan:
	$(MAKE) B=build-asan SAN=1

run: deps
	$(MAKE) all
	./$(B)/baken demo --db $(B)/demo.db

bench: $(B)/baken
	./bench/run

lint:
	clang-format --dry-run --Werror $(shell find src tests/unit bench fuzz -name '*.[ch]')
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --suppress=unknownMacro -Isrc src

# Each fuzz/fuzz_<parser>.c against the library sources it needs, for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_LIB := $(filter src/core/% src/domain/% src/formats/csvfile.c src/formats/csaf.c \
	src/formats/csaf_check.c src/formats/cvss.c src/formats/cwe.c src/formats/cve5.c \
	src/formats/kev.c src/web/form.c,$(SRCS))
fuzz: deps
	@mkdir -p build-fuzz
	@for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); \
		clang -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -Isrc \
			$(shell pkg-config --cflags $(PKGS)) $$f $(FUZZ_LIB) \
			$(shell pkg-config --libs $(PKGS)) -lcsv -lm -o build-fuzz/$$n || exit 1; \
		c=fuzz/corpus/$${n#fuzz_}; mkdir -p build-fuzz/corpus-$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
			build-fuzz/corpus-$$n $$c 2>build-fuzz/$$n.log || { tail -n 30 build-fuzz/$$n.log; exit 1; }; \
	done

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJS:.o=.d) $(B)/obj/src/main.d
