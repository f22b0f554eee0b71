/* cli/config/config.c - loading, validating and freeing run configurations. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/util.h"
#include "config/node.h"
#include "config/schema.h"

int cli_config_new(cli_config **out)
{
	cli_config *cfg;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_new: out is NULL");
	*out = NULL;
	cfg = calloc(1, sizeof *cfg);
	if (!cfg)
		return cfg__nomem();
	cfg->root = cfg__cnode_new(CLI_CONFIG_MAP, NULL, 0, 0);
	if (!cfg->root) {
		free(cfg);
		return cfg__nomem();
	}
	*out = cfg;
	return 0;
}

void cli_config_free(cli_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	cfg__cnode_free(cfg->root);
	for (i = 0; i < cfg->n_origins; i++)
		free(cfg->origins[i]);
	free(cfg->origins);
	free(cfg);
}

int cli_config_parse(cli_config **out, const char *text, size_t len, const char *name)
{
	cli_config *cfg;
	cfg__cnode *root;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_parse: out is NULL");
	*out = NULL;
	if (!text && len)
		return cfg__error_set(MSB_EINVAL, "cli_config_parse: text is NULL");
	if ((rc = cli_config_new(&cfg)) < 0)
		return rc;
	rc = cfg__parse_yaml(&root, cfg, text ? text : "", len, name ? name : "<config>");
	if (rc < 0) {
		cli_config_free(cfg);
		return rc;
	}
	cfg__cnode_free(cfg->root);
	cfg->root = root;
	if ((rc = cli_config_validate(cfg)) < 0 || (rc = cfg__expand_paths(cfg->root)) < 0) {
		cli_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int cli_config_load(cli_config **out, const char *path)
{
	char *text;
	size_t len;
	int rc;

	if (!out || !path)
		return cfg__error_set(MSB_EINVAL, "cli_config_load: NULL argument");
	*out = NULL;
	if ((rc = cfg__file_read(&text, &len, path)) < 0)
		return rc;
	rc = cli_config_parse(out, text, len, path);
	free(text);
	return rc;
}

int cli_config_validate(const cli_config *cfg)
{
	if (!cfg)
		return cfg__error_set(MSB_EINVAL, "cli_config_validate: cfg is NULL");
	return cfg__schema_check_tree(cfg->root);
}
