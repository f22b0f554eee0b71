/* lib/config/config.c - loading, validating and freeing run configurations. */
#include <string.h>

#include "medsafety/config.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "config/node.h"
#include "config/schema.h"

int msb_config_new(msb_config **out)
{
	msb_config *cfg;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_config_new: out is NULL");
	*out = NULL;
	cfg = msb__calloc(1, sizeof *cfg);
	if (!cfg)
		return MSB_ENOMEM;
	cfg->root = msb__cnode_new(MSB_CONFIG_MAP, NULL, 0, 0);
	if (!cfg->root) {
		msb__free(cfg);
		return MSB_ENOMEM;
	}
	*out = cfg;
	return 0;
}

void msb_config_free(msb_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	msb__cnode_free(cfg->root);
	for (i = 0; i < cfg->n_origins; i++)
		msb__free(cfg->origins[i]);
	msb__free(cfg->origins);
	msb__free(cfg);
}

int msb_config_parse(msb_config **out, const char *text, size_t len, const char *name)
{
	msb_config *cfg;
	msb__cnode *root;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_config_parse: out is NULL");
	*out = NULL;
	if (!text && len)
		return msb__error_set(MSB_EINVAL, "msb_config_parse: text is NULL");
	if ((rc = msb_config_new(&cfg)) < 0)
		return rc;
	rc = msb__config_parse_yaml(&root, cfg, text ? text : "", len, name ? name : "<config>");
	if (rc < 0) {
		msb_config_free(cfg);
		return rc;
	}
	msb__cnode_free(cfg->root);
	cfg->root = root;
	if ((rc = msb_config_validate(cfg)) < 0 || (rc = msb__config_expand_paths(cfg->root)) < 0) {
		msb_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int msb_config_load(msb_config **out, const char *path)
{
	char *text;
	size_t len;
	int rc;

	if (!out || !path)
		return msb__error_set(MSB_EINVAL, "msb_config_load: NULL argument");
	*out = NULL;
	if ((rc = msb__file_read(&text, &len, path)) < 0)
		return rc;
	rc = msb_config_parse(out, text, len, path);
	msb__free(text);
	return rc;
}

int msb_config_validate(const msb_config *cfg)
{
	if (!cfg)
		return msb__error_set(MSB_EINVAL, "msb_config_validate: cfg is NULL");
	return msb__schema_check_tree(cfg->root);
}
