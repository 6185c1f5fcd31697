/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-sim"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "icto-sim.h"

#define MAX_CONTACTS 256

static void
group_clear (gpointer data)
{
  IctoSimGroup *g = data;

  g_clear_pointer (&g->name, g_free);
}

static const struct {
  const char *name;
  const char *spec;
} presets[] = {
  { "default", ICTO_SIM_DEFAULT_LAYOUT },
  { "mixed",   ICTO_SIM_DEFAULT_LAYOUT },
  /* 8 shafts x 12 contacts (§4.1 of the simulator reference) */
  { "seeg",    "LA:12,LH:12,LT:12,LO:12,LI:12,RA:12,RH:12,RT:12" },
  /* an 8x8 grid over the EZ and two 1x6 strips */
  { "ecog",    "G:8x8,SA:1x6,SB:1x6" },
};

static gboolean
parse_uint (const char *s,
            const char *end,
            int        *out)
{
  int v = 0;

  if (s == end || end - s > 4)
    return FALSE;
  for (const char *p = s; p < end; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      v = v * 10 + (*p - '0');
    }
  *out = v;
  return TRUE;
}

GArray *
icto_sim_parse_layout (const char *spec,
                       GError    **error)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, TRUE, sizeof (IctoSimGroup));
  g_auto(GStrv) parts = NULL;
  int total = 0;

  g_array_set_clear_func (groups, group_clear);

  if (spec == NULL || *spec == '\0')
    spec = ICTO_SIM_DEFAULT_LAYOUT;
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_ascii_strcasecmp (spec, presets[i].name) == 0)
      spec = presets[i].spec;

  parts = g_strsplit (spec, ",", -1);
  for (guint k = 0; parts[k] != NULL; k++)
    {
      const char *part = g_strstrip (parts[k]);
      const char *colon = strchr (part, ':');
      const char *x;
      IctoSimGroup g = { 0 };
      gsize name_len;
      int rows = 1, cols = 0;

      if (colon == NULL)
        {
          g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                       _("Layout group “%s” has no “:” (expected NAME:N for a shaft or NAME:RxC for a grid or strip)"), part);
          return NULL;
        }
      name_len = colon - part;
      if (name_len < 1 || name_len > 6)
        {
          g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                       _("Layout group “%s”: the name must have 1 to 6 letters"), part);
          return NULL;
        }
      for (gsize c = 0; c < name_len; c++)
        if (!g_ascii_isalpha (part[c]))
          {
            g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                         _("Layout group “%s”: the name must have 1 to 6 letters"), part);
            return NULL;
          }
      for (guint j = 0; j < groups->len; j++)
        {
          IctoSimGroup *o = &g_array_index (groups, IctoSimGroup, j);
          if (strlen (o->name) == name_len && g_ascii_strncasecmp (o->name, part, name_len) == 0)
            {
              g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                           _("Layout group name “%.*s” is used twice"), (int) name_len, part);
              return NULL;
            }
        }

      x = strpbrk (colon + 1, "xX");
      if (x == NULL)
        {
          if (!parse_uint (colon + 1, colon + 1 + strlen (colon + 1), &cols) || cols < 4 || cols > 18)
            {
              g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                           _("Layout group “%s”: a depth shaft has 4 to 18 contacts"), part);
              return NULL;
            }
          g.kind = ICTO_SIM_GROUP_DEPTH;
        }
      else
        {
          if (!parse_uint (colon + 1, x, &rows) || !parse_uint (x + 1, x + 1 + strlen (x + 1), &cols)
              || rows < 1 || cols < 1 || rows * cols < 2 || rows * cols > 64)
            {
              g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                           _("Layout group “%s”: a grid or strip is RxC with 2 to 64 contacts"), part);
              return NULL;
            }
          g.kind = (rows == 1 || cols == 1) ? ICTO_SIM_GROUP_STRIP : ICTO_SIM_GROUP_GRID;
        }
      g.rows = rows;
      g.cols = cols;
      total += rows * cols;
      if (total > MAX_CONTACTS)
        {
          g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT,
                       _("The layout has more than %d contacts"), MAX_CONTACTS);
          return NULL;
        }
      g.name = g_strndup (part, name_len);
      g_array_append_val (groups, g);
    }

  if (groups->len == 0)
    {
      g_set_error (error, ICTO_SIM_ERROR, ICTO_SIM_ERROR_LAYOUT, _("The layout is empty"));
      return NULL;
    }
  return g_steal_pointer (&groups);
}
