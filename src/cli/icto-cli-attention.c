/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-cli"

/*
 * ictoscope-cli attention RECORDING [--model M] --at SECONDS
 *                          [--layer N | --rollout] [--all-channels] [--json]
 *
 * The model's channel-by-channel attention of the last time step for the
 * window ending at SECONDS (icto-map.h): labels, the matrix (rows sum to 1;
 * one layer, the mean over layers by default, or the rollout), the attention
 * each channel receives, contributions and agreement.  Channels: the
 * contacts of the layout (--all-channels: every voltage signal).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>

#include "core/icto-inference.h"
#include "core/icto-map.h"
#include "icto-cli.h"

static void
add_value (JsonBuilder *b, double v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_array (JsonBuilder *b, const char *name, const float *v, guint n)
{
  json_builder_set_member_name (b, name);
  if (v == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    add_value (b, v[i]);
  json_builder_end_array (b);
}

int
icto_cli_attention (int    argc,
                    char **argv)
{
  g_autofree char *model_path = NULL;
  double at = NAN;
  int layer = ICTO_MAP_LAYERS_MEAN;
  gboolean rollout = FALSE, json = FALSE, all = FALSE;
  int threads = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("Model file (default: the bundled model)"), N_("FILE") },
    { "at", 't', 0, G_OPTION_ARG_DOUBLE, &at, N_("End of the model window, seconds from the first sample"), N_("SECONDS") },
    { "layer", 'l', 0, G_OPTION_ARG_INT, &layer, N_("One layer (from 0) instead of the mean over layers"), N_("N") },
    { "rollout", 0, 0, G_OPTION_ARG_NONE, &rollout, N_("Attention rollout across the layers"), NULL },
    { "all-channels", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every voltage signal, not only the layout’s contacts"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Worker threads (default: all CPUs)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("RECORDING — the model’s attention between channels"));
  g_autoptr(GError) error = NULL;
  g_autoptr(IctoRecording) rec = NULL;
  g_autoptr(IctoModel) model = NULL;
  g_autoptr(IctoLayout) layout = NULL;
  g_autoptr(IctoMapResult) r = NULL;
  g_autofree guint *chans = NULL;
  g_autofree float *matrix = NULL;
  g_autofree float *received = NULL;
  guint n = 0, C;
  gboolean layer_given = FALSE;

  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--layer") || g_str_equal (argv[i], "-l"))
      layer_given = TRUE;
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return icto_cli_fail (2, "%s", error->message);
  if (argc != 2)
    return icto_cli_fail (2, _("attention needs exactly one recording (see --help)"));
  if (!isfinite (at) || at < 0)
    return icto_cli_fail (2, _("attention needs --at SECONDS (0 or more)"));
  if (rollout && layer_given)
    return icto_cli_fail (2, _("--layer and --rollout cannot be used together"));
  if (layer_given && layer < 0)
    return icto_cli_fail (2, _("--layer must be 0 or more"));
  if (rollout)
    layer = ICTO_MAP_LAYERS_ROLLOUT;
  if (model_path == NULL)
    model_path = icto_inference_default_model_path ();
  if (model_path == NULL)
    return icto_cli_fail (1, _("No model found: give --model FILE"));

  rec = icto_recording_open (argv[1], &error);
  if (rec == NULL)
    return icto_cli_fail_error (error);
  if (at > icto_ticks_to_seconds (icto_recording_get_duration (rec)))
    return icto_cli_fail (2, _("--at %.3f s is after the end of the recording (%.3f s)"), at,
                          icto_ticks_to_seconds (icto_recording_get_duration (rec)));
  if (icto_ticks_to_seconds (icto_recording_get_duration (rec)) < 5.0)
    return icto_cli_fail (1, _("The recording is shorter than one 5-s segment: the model cannot run on it"));
  model = icto_model_load (model_path, NULL, NULL, &error);
  if (model == NULL)
    return icto_cli_fail_error (error);
  if (layer >= icto_model_get_config (model)->n_layer)
    return icto_cli_fail (2, _("--layer must be below the model’s %d layers"), icto_model_get_config (model)->n_layer);
  if (!all)
    {
      layout = icto_map_layout_for_recording (rec, NULL, &error);
      if (layout == NULL)
        return icto_cli_fail_error (error);
      chans = icto_map_layout_channels (layout, &n);
    }
  if (!all && n == 0)
    return icto_cli_fail (1, _("No channel of the recording is an electrode contact; use --all-channels"));
  r = icto_map_compute (rec, model, all ? NULL : chans, n, icto_seconds_to_ticks (at), threads, NULL, &error);
  if (r == NULL)
    return icto_cli_fail_error (error);
  C = r->n_channels;
  matrix = icto_map_attention_matrix (r->channel_attn, r->n_layer, (int) C, layer);
  if (matrix == NULL)
    return icto_cli_fail (1, _("No attention for this layer"));
  received = g_new (float, C);
  icto_map_attention_received (matrix, (int) C, received);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "recording");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "at_s");
      json_builder_add_double_value (b, at);
      json_builder_set_member_name (b, "window_start_s");
      json_builder_add_double_value (b, r->window_start_s);
      json_builder_set_member_name (b, "window_end_s");
      json_builder_add_double_value (b, r->window_end_s);
      json_builder_set_member_name (b, "n_segments");
      json_builder_add_int_value (b, r->n_segments);
      json_builder_set_member_name (b, "n_layer");
      json_builder_add_int_value (b, r->n_layer);
      json_builder_set_member_name (b, "layer");
      if (layer >= 0)
        json_builder_add_int_value (b, layer);
      else
        json_builder_add_string_value (b, layer == ICTO_MAP_LAYERS_ROLLOUT ? "rollout" : "mean");
      json_builder_set_member_name (b, "seizure_prob");
      add_value (b, r->seizure_prob);
      json_builder_set_member_name (b, "labels");
      json_builder_begin_array (b);
      for (guint i = 0; i < C; i++)
        json_builder_add_string_value (b, r->labels[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "channels");
      json_builder_begin_array (b);
      for (guint i = 0; i < C; i++)
        json_builder_add_int_value (b, r->channels[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "matrix");
      json_builder_begin_array (b);
      for (guint i = 0; i < C; i++)
        {
          json_builder_begin_array (b);
          for (guint j = 0; j < C; j++)
            add_value (b, matrix[(gsize) i * C + j]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      add_array (b, "received", received, C);
      add_array (b, "contributions", r->contribution, C);
      add_array (b, "agreement", r->agreement, C);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
      return 0;
    }

  printf (_("Window %.1f–%.1f s (%d segments), seizure probability %.3f\n"),
          r->window_start_s, r->window_end_s, r->n_segments, r->seizure_prob);
  printf ("%s\t%s\t%s\t%s\n", _("label"), _("received"), _("contribution"), _("agreement"));
  for (guint i = 0; i < C; i++)
    printf ("%s\t%.4f\t%.4f\t%.4f\n", r->labels[i], received[i],
            r->contribution ? r->contribution[i] : NAN, r->agreement ? r->agreement[i] : NAN);
  return 0;
}
