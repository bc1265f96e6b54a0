# appliance/xl/cfg*.c: the xl.cfg parser and the typed PVH domain config
# of our toolstack, its host unit tests (tests/unit/xl) and its libFuzzer
# target (tests/fuzz/xl_cfg).  The xl program links XL_CFG_SRCS.

XL_CFG_DIR := appliance/xl
XL_CFG_SRCS := $(addprefix $(XL_CFG_DIR)/,cfg.c cfg_lex.c cfg_value.c cfg_lookup.c \
	cfg_keys.c cfg_domain.c cfg_resources.c cfg_cpus.c cfg_devices.c cfg_disk.c cfg_vif.c \
	cfg_channel.c cfg_spec.c)
# vif's hostfwd= rules are checked by libbx's parser, which bastion-dm uses too.
XL_CFG_SRCS += appliance/lib/bx_hostfwd.c
XL_CFG_HDRS := $(addprefix $(XL_CFG_DIR)/,cfg.h cfg_priv.h cfg_domain.h) appliance/lib/bx_hostfwd.h
XL_CFG_OUT := $(BUILD)/tests/xl_cfg
XL_CFG_TESTS := $(addprefix tests/unit/xl/,test_xl_cfg.c test_xl_cfg_specs.c test_xl_cfg_bad.c \
	test_xl_json.c)
# libxl's JSON of a domain's configuration (xl list -l) is tested here too
XL_JSON_SRCS := $(addprefix $(XL_CFG_DIR)/,json.c json_parse.c domain_json.c xl_fmt.c)
XL_CFG_TEST := $(XL_CFG_OUT)/test_xl_cfg
XL_CFG_FUZZ := $(XL_CFG_OUT)/fuzz_xl_cfg
XL_CFG_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

DEPS_PKGS += clang libclang-rt-14-dev
TEST_SUITES += test-xl-cfg test-xl-cfg-fuzz test-xl-json-fuzz
FUZZ_TARGETS += fuzz-xl-cfg fuzz-xl-json
XL_JSON_FUZZ := $(XL_CFG_OUT)/fuzz_xl_json

$(XL_CFG_TEST): $(XL_CFG_TESTS) \
		tests/unit/xl/test_xl_cfg.h tests/unit/hv/check.h $(XL_CFG_SRCS) $(XL_CFG_HDRS) \
		$(XL_JSON_SRCS) $(wildcard $(XL_CFG_DIR)/*json*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(XL_CFG_SAN) -I$(XL_CFG_DIR) -Iappliance/lib -Ihv/include \
		-Itests/unit/hv -o $@ $(XL_CFG_TESTS) $(XL_CFG_SRCS) $(XL_JSON_SRCS)

$(XL_CFG_FUZZ): tests/fuzz/xl_cfg/fuzz_xl_cfg.c $(XL_CFG_SRCS) $(XL_CFG_HDRS)
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror -I$(XL_CFG_DIR) -Iappliance/lib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(XL_CFG_SRCS)

$(XL_JSON_FUZZ): tests/fuzz/xl_json/fuzz_xl_json.c $(XL_CFG_DIR)/json.c $(XL_CFG_DIR)/json_parse.c \
		$(XL_CFG_DIR)/json.h
	@mkdir -p $(@D)
	$(CLANG) -std=c11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror -I$(XL_CFG_DIR) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(XL_CFG_DIR)/json.c $(XL_CFG_DIR)/json_parse.c

.PHONY: test-xl-cfg test-xl-cfg-fuzz fuzz-xl-cfg test-xl-json-fuzz fuzz-xl-json

test-xl-json-fuzz: $(XL_JSON_FUZZ)
	@sh tests/fuzz/xl_cfg/run.sh $(XL_JSON_FUZZ) 20 tests/unit/xl/json $(XL_CFG_OUT)/json "libxl JSON"

fuzz-xl-json: $(XL_JSON_FUZZ)
	@sh tests/fuzz/xl_cfg/run.sh $(XL_JSON_FUZZ) 600 tests/unit/xl/json $(XL_CFG_OUT)/json "libxl JSON"

test-xl-cfg: $(XL_CFG_TEST)
	@$(XL_CFG_TEST) tests/unit/xl/cfg

test-xl-cfg-fuzz: $(XL_CFG_FUZZ)
	@sh tests/fuzz/xl_cfg/run.sh $(XL_CFG_FUZZ) 20 tests/unit/xl/cfg $(XL_CFG_OUT)

fuzz-xl-cfg: $(XL_CFG_FUZZ)
	@sh tests/fuzz/xl_cfg/run.sh $(XL_CFG_FUZZ) 600 tests/unit/xl/cfg $(XL_CFG_OUT)
