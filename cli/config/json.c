/*
 * cli/config/json.c - a configuration as JSON for run.json: typed by the
 * schema, lists normalised, secrets redacted.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "config/config.h"
#include "config/util.h"
#include "config/node.h"
#include "config/schema.h"

#define REDACTED "<redacted>"

static json_t *node_json(const cfg__cnode *n, const cfg__skey *k);

/* Header names whose values carry credentials. */
static int secret_header(const char *name)
{
	static const char *const exact[] = { "authorization", "proxy-authorization", "cookie" };
	size_t i;

	for (i = 0; i < sizeof exact / sizeof *exact; i++)
		if (!strcasecmp(name, exact[i]))
			return 1;
	{
		char low[128];
		size_t l = strlen(name);
		if (l >= sizeof low)
			return 1;
		for (i = 0; i <= l; i++)
			low[i] = (char)tolower((unsigned char)name[i]);
		return strstr(low, "key") || strstr(low, "token") || strstr(low, "secret") ||
		    strstr(low, "auth") || strstr(low, "password");
	}
}

static json_t *split_list(const cfg__cnode *n, int ints)
{
	json_t *arr = json_array();
	size_t i;

	if (!arr)
		return NULL;
	if (n->kind == CLI_CONFIG_LIST) {
		for (i = 0; i < n->n; i++) {
			const char *t = n->kids[i]->text ? n->kids[i]->text : "";
			long long v;
			json_t *j = ints && cfg__scalar_int(&v, t) == 0 ? json_integer(v) : json_string(t);
			if (!j || json_array_append_new(arr, j) < 0)
				goto fail;
		}
		return arr;
	}
	{
		const char *p = n->text, *item;
		char tmp[256];
		size_t len;
		do {
			p = cfg__comma_item(p, &item, &len);
			if (len) {
				long long v;
				json_t *j;
				if (len >= sizeof tmp)
					len = sizeof tmp - 1;
				memcpy(tmp, item, len);
				tmp[len] = '\0';
				j = ints && cfg__scalar_int(&v, tmp) == 0 ? json_integer(v) : json_string(tmp);
				if (!j || json_array_append_new(arr, j) < 0)
					goto fail;
			}
		} while (p);
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static json_t *scalar_json(const cfg__cnode *n, const cfg__skey *k)
{
	long long iv;
	double dv;
	int bv;

	if (!n->text)
		return json_null();
	switch (k ? k->type : 0) {
	case CFG__T_INT:
		if (cfg__scalar_int(&iv, n->text) == 0)
			return json_integer(iv);
		break;
	case CFG__T_DOUBLE:
		if (cfg__scalar_double(&dv, n->text) == 0)
			return json_real(dv);
		break;
	case CFG__T_BOOL:
		if (cfg__scalar_bool(&bv, n->text) == 0)
			return json_boolean(bv);
		break;
	case CFG__T_CLEAN:
		if (!n->quoted && cfg__scalar_bool(&bv, n->text) == 0)
			return json_boolean(bv);
		return split_list(n, 0);
	case CFG__T_STRLIST:
	case CFG__T_ENUMLIST:
		return split_list(n, 0);
	case CFG__T_INTLIST:
		return split_list(n, 1);
	case CFG__T_SECRET:
		return json_string(REDACTED);
	default:
		break;
	}
	return json_string(n->text);
}

static const cfg__skey *kid_schema(const cfg__skey *k, const char *name)
{
	const cfg__skey *c;

	if (!k || !k->kids)
		return NULL;
	for (c = k->kids; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int add_pair(json_t *obj, const cfg__cnode *kid, const cfg__skey *k)
{
	const cfg__skey *ks = kid_schema(k, kid->key);
	json_t *j;

	size_t kl = strlen(kid->key);

	if (k && k->type == CFG__T_STRMAP)
		/* every header value but those of harmless names (Accept, ...): the library's rule */
		j = secret_header(kid->key) || !msb_redact_header_harmless(kid->key) ?
		    json_string(REDACTED) : kid->text ? json_string(kid->text) : json_null();
	else if (cfg__schema_secret_name(kid->key) || (ks && ks->type == CFG__T_SECRET))
		j = json_string(REDACTED);
	else if (kl >= 3 && !strcasecmp(kid->key + kl - 3, "url") && kid->text) {
		/* a URL's user:password and query values (?api-key=) are credentials */
		char *clean = NULL;
		j = msb_redact_url(&clean, kid->text) == 0 ? json_string(clean) : NULL;
		msb_free(clean);
	} else
		j = node_json(kid, ks);
	if (!j || json_object_set_new(obj, kid->key, j) < 0)
		return -1;
	return 0;
}

/*
 * A section's keys come out in the schema's order (dataset, model, judge,
 * ... and within each the documented order) whatever order the file and
 * the flags used, so two run.json files compare line by line; keys the
 * schema does not know (header names) keep their own order.
 */
static json_t *map_json(const cfg__cnode *n, const cfg__skey *k)
{
	json_t *obj = json_object();
	const cfg__skey *c;
	size_t i;

	if (!obj)
		return NULL;
	if (k && k->kids) {
		for (c = k->kids; c->name; c++) {
			const cfg__cnode *kid = cfg__cnode_find(n, c->name);
			if (kid && add_pair(obj, kid, k) < 0)
				goto fail;
		}
	}
	for (i = 0; i < n->n; i++) {
		if (k && k->kids && kid_schema(k, n->kids[i]->key))
			continue;
		if (add_pair(obj, n->kids[i], k) < 0)
			goto fail;
	}
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *node_json(const cfg__cnode *n, const cfg__skey *k)
{
	size_t i;

	if (n->kind == CLI_CONFIG_SCALAR)
		return scalar_json(n, k);
	if (n->kind == CLI_CONFIG_MAP)
		return map_json(n, k);
	if (k && (k->type == CFG__T_STRLIST || k->type == CFG__T_INTLIST ||
	    k->type == CFG__T_ENUMLIST || k->type == CFG__T_CLEAN))
		return split_list(n, k->type == CFG__T_INTLIST);
	{
		json_t *arr = json_array();
		/* a jury: each item is a judge mapping; any other list: untyped items */
		const cfg__skey *item = k && k->type == CFG__T_JUDGES ? k : NULL;
		if (!arr)
			return NULL;
		for (i = 0; i < n->n; i++) {
			json_t *j = node_json(n->kids[i], item);
			if (!j || json_array_append_new(arr, j) < 0) {
				json_decref(arr);
				return NULL;
			}
		}
		return arr;
	}
}

int cli_config_to_json(char **out, const cli_config *cfg)
{
	json_t *root;
	char *text;

	if (!out || !cfg)
		return cfg__error_set(MSB_EINVAL, "cli_config_to_json: NULL argument");
	*out = NULL;
	root = node_json(cfg->root, cfg__schema_root());
	if (!root)
		return cfg__error_set(MSB_ENOMEM, "cli_config_to_json: out of memory");
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(root);
	if (!text)
		return cfg__error_set(MSB_ENOMEM, "cli_config_to_json: out of memory");
	*out = text; /* jansson's default allocator: the command installs no other */
	return 0;
}
