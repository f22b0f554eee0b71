/* lib/dataset/export.c - writing datasets: JSONL, CSV, OpenAI chat JSONL, Alpaca JSON. */
#include <string.h>

#include <jansson.h>

#include "medsafety/dataset.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fileio.h"
#include "dataset/dataset.h"

static const msb_dataset_export_options default_export = MSB_DATASET_EXPORT_OPTIONS_INIT;

int msb_dataset_export_options_init(msb_dataset_export_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_export, version,
	    MSB_DATASET_EXPORT_OPTIONS_VERSION, "msb_dataset_export_options");
}

static int put_cb(const char *data, size_t size, void *userdata)
{
	return msb_buf_put(userdata, data, size) ? -1 : 0;
}

/* Dump a JSON value into b (takes the reference). */
static int dump(msb_buf *b, json_t *v)
{
	int rc;
	if (!v) /* jansson refuses strings that are not UTF-8 (items a host added) */
		return msb__error_set(MSB_EINVAL, "export: cannot encode an item as JSON (invalid UTF-8?)");
	rc = json_dump_callback(v, put_cb, b, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	return rc || b->failed ? msb__error_set(MSB_ENOMEM, "out of memory writing JSON") : 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int csv_field(msb_buf *b, const char *s)
{
	const char *p;
	if (!s)
		return 0;
	if (!strpbrk(s, ",\"\r\n"))
		return msb_buf_puts(b, s);
	msb_buf_putc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"')
			msb_buf_putc(b, '"');
		msb_buf_putc(b, *p);
	}
	return msb_buf_putc(b, '"');
}

static int export_item(msb_buf *b, const msb_item *it, const msb_dataset_export_options *o, size_t i)
{
	json_t *v;
	int rc = 0;

	switch (o->format) {
	case MSB_FORMAT_JSONL:
		v = json_object();
		if (v && (json_object_set_new(v, "id", json_string(it->id)) ||
		    json_object_set_new(v, "principle", json_integer(it->principle)) ||
		    json_object_set_new(v, "category", json_integer(it->category)) ||
		    json_object_set_new(v, "source", json_string(it->source)) ||
		    json_object_set_new(v, "split", json_string(it->split)) ||
		    json_object_set_new(v, "prompt", json_string(it->prompt)) ||
		    json_object_set_new(v, "reference", str_or_null(it->reference)) ||
		    /* benign items only, so that harmful sets export as before */
		    (it->kind == MSB_KIND_BENIGN &&
		        (json_object_set_new(v, "kind", json_string("benign")) ||
		         (it->rationale && json_object_set_new(v, "rationale", json_string(it->rationale))))))) {
			json_decref(v);
			v = NULL;
		}
		rc = dump(b, v);
		return rc ? rc : msb_buf_putc(b, '\n');
	case MSB_FORMAT_CSV:
		csv_field(b, it->id);
		msb_buf_printf(b, ",%d,%d,", it->principle, it->category);
		csv_field(b, it->source);
		msb_buf_putc(b, ',');
		csv_field(b, it->split);
		msb_buf_putc(b, ',');
		csv_field(b, it->prompt);
		msb_buf_putc(b, ',');
		csv_field(b, it->reference);
		return msb_buf_puts(b, "\r\n");
	case MSB_FORMAT_OPENAI_CHAT:
		/* one json_pack: it builds all or nothing, so no message can go missing */
		rc = dump(b, o->system_prompt
		    ? json_pack("{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}", "messages",
		          "role", "system", "content", o->system_prompt, "role", "user", "content", it->prompt,
		          "role", "assistant", "content", it->reference)
		    : json_pack("{s:[{s:s,s:s},{s:s,s:s}]}", "messages", "role", "user", "content",
		          it->prompt, "role", "assistant", "content", it->reference));
		return rc ? rc : msb_buf_putc(b, '\n');
	case MSB_FORMAT_ALPACA:
		if (i)
			msb_buf_puts(b, ",\n");
		return dump(b, json_pack("{s:s,s:s,s:s}", "instruction", it->prompt, "input", "", "output",
		    it->reference));
	default:
		return msb__error_set(MSB_EINVAL, "export: format %d is not an export format", o->format);
	}
}

int msb_dataset_export_string(char **out, const msb_dataset *ds, const msb_dataset_export_options *opts)
{
	msb_buf b = MSB_BUF_INIT;
	msb_dataset_export_options zeroed;
	size_t i;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_dataset_export: NULL out");
	*out = NULL;
	if (!ds)
		return msb__error_set(MSB_EINVAL, "msb_dataset_export: NULL dataset");
	if ((rc = msb__check_version(opts, MSB_DATASET_EXPORT_OPTIONS_VERSION, "msb_dataset_export_options")))
		return rc;
	if (!opts)
		opts = &default_export;
	if (opts->format == MSB_FORMAT_AUTO) {
		/* a zeroed struct means the defaults: JSONL (issue #15 item 1) */
		zeroed = *opts;
		zeroed.format = MSB_FORMAT_JSONL;
		opts = &zeroed;
	}
	if (opts->format != MSB_FORMAT_JSONL && opts->format != MSB_FORMAT_CSV &&
	    opts->format != MSB_FORMAT_OPENAI_CHAT && opts->format != MSB_FORMAT_ALPACA)
		return msb__error_set(MSB_EINVAL,
		    "export: format %d is not one of jsonl, csv, openai-chat, alpaca", opts->format);
	if (opts->format == MSB_FORMAT_OPENAI_CHAT || opts->format == MSB_FORMAT_ALPACA)
		for (i = 0; i < ds->n; i++)
			if (!ds->items[i]->reference)
				return msb__error_set(MSB_EINVAL,
				    "export: item '%s' has no reference response, which the fine-tuning formats "
				    "need (filter to items that have one, e.g. the test or train split)",
				    ds->items[i]->id);
	if (opts->format == MSB_FORMAT_CSV)
		msb_buf_puts(&b, "id,principle,category,source,split,prompt,reference\r\n");
	if (opts->format == MSB_FORMAT_ALPACA)
		msb_buf_puts(&b, "[\n");
	for (i = 0; i < ds->n; i++)
		if ((rc = export_item(&b, ds->items[i], opts, i))) {
			msb_buf_dispose(&b);
			return rc;
		}
	if (opts->format == MSB_FORMAT_ALPACA)
		msb_buf_puts(&b, ds->n ? "\n]\n" : "]\n");
	if (b.failed || !(*out = msb_buf_detach(&b))) {
		msb_buf_dispose(&b);
		return msb__error_set(MSB_ENOMEM, "export: out of memory");
	}
	return 0;
}

int msb_dataset_export(const msb_dataset *ds, const char *path, const msb_dataset_export_options *opts)
{
	char *s;
	int rc;

	if (!path)
		return msb__error_set(MSB_EINVAL, "msb_dataset_export: NULL path");
	if ((rc = msb_dataset_export_string(&s, ds, opts)))
		return rc;
	rc = msb__file_write_atomic(path, s, strlen(s));
	msb__free(s);
	return rc;
}
