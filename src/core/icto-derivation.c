/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "icto-derivation"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "core/icto-derivation.h"

static const char *kind_names[] = { "referential", "average", "bipolar", "local" };

const char *
icto_montage_kind_to_string (IctoMontageChoice kind)
{
  g_return_val_if_fail (kind <= ICTO_MONTAGE_KIND_LOCAL, "referential");
  return kind_names[kind];
}

gboolean
icto_montage_kind_from_string (const char      *str,
                               IctoMontageChoice *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_str_equal (str, kind_names[i]))
        {
          *kind = (IctoMontageChoice) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
icto_montage_kind_get_title (IctoMontageChoice kind)
{
  switch (kind)
    {
    case ICTO_MONTAGE_KIND_REFERENTIAL: return _("As recorded");
    case ICTO_MONTAGE_KIND_AVERAGE:     return _("Common average");
    case ICTO_MONTAGE_KIND_BIPOLAR:     return _("Bipolar");
    case ICTO_MONTAGE_KIND_LOCAL:       return _("Local average");
    default:                            return _("As recorded");
    }
}

char *
icto_label_split (const char *label,
                  int        *number)
{
  gsize len;
  gsize end;

  g_return_val_if_fail (label != NULL, NULL);

  len = strlen (label);
  end = len;
  while (end > 0 && g_ascii_isdigit (label[end - 1]))
    end--;
  if (number != NULL)
    *number = (end < len && len - end <= 6) ? atoi (label + end) : -1;
  if (end == len || end == 0)
    {
      /* no trailing number, or a label made only of digits */
      if (number != NULL && end == 0)
        *number = -1;
      return g_strstrip (g_strdup (label));
    }
  while (end > 0 && (label[end - 1] == ' ' || label[end - 1] == '-' || label[end - 1] == '_'))
    end--;
  return g_strstrip (g_strndup (label, end));
}

typedef struct {
  guint signal;
  int   number;
} Contact;

static int
contact_compare (gconstpointer a,
                 gconstpointer b)
{
  const Contact *ca = a;
  const Contact *cb = b;

  if (ca->number != cb->number)
    return ca->number < cb->number ? -1 : 1;
  return ca->signal < cb->signal ? -1 : (ca->signal > cb->signal);
}

static void
add_output (GArray     *outputs,
            const char *label,
            const char *group,
            guint       first,
            guint       n_terms,
            const IctoTerm *terms,
            int         reference)
{
  IctoDerivation d = { 0 };

  d.label = g_strdup (label);
  d.group = g_strdup (group);
  d.first = first;
  d.n_terms = n_terms;
  d.terms = g_memdup2 (terms, sizeof (IctoTerm) * n_terms);
  d.reference = reference;
  g_array_append_val (outputs, d);
}

static void
add_as_recorded (GArray        *outputs,
                 IctoRecording *recording,
                 guint          s)
{
  const IctoSignalInfo *info = icto_recording_get_signal (recording, s);
  g_autofree char *group = icto_label_split (info->label, NULL);
  IctoTerm t = { s, 1.0f };

  add_output (outputs, info->label, group, s, 1, &t, -1);
}

static gboolean
is_good_voltage (IctoRecording  *recording,
                 const gboolean *bad,
                 guint           s)
{
  return icto_recording_get_signal (recording, s)->is_voltage && (bad == NULL || !bad[s]);
}

/* Index of the reference made of @signals, adding it when new. */
static int
intern_reference (GArray *refs,
                  GArray *signals)
{
  IctoReference r;

  for (guint i = 0; i < refs->len; i++)
    {
      IctoReference *o = &g_array_index (refs, IctoReference, i);
      if (o->n_signals == signals->len &&
          memcmp (o->signals, signals->data, sizeof (guint) * signals->len) == 0)
        return (int) i;
    }
  r.n_signals = signals->len;
  r.signals = g_memdup2 (signals->data, sizeof (guint) * signals->len);
  g_array_append_val (refs, r);
  return (int) refs->len - 1;
}

/* Good voltage signals at the rate of @s, optionally only on the shaft @group. */
static GArray *
collect_partners (IctoRecording  *recording,
                  const gboolean *bad,
                  guint           s,
                  const char     *group)
{
  GArray *ret = g_array_new (FALSE, FALSE, sizeof (guint));
  double rate = icto_recording_get_signal (recording, s)->sample_rate;
  guint n = icto_recording_get_n_signals (recording);

  for (guint j = 0; j < n; j++)
    {
      const IctoSignalInfo *info = icto_recording_get_signal (recording, j);

      if (!is_good_voltage (recording, bad, j) || info->sample_rate != rate)
        continue;
      if (group != NULL)
        {
          int number;
          g_autofree char *g = icto_label_split (info->label, &number);
          if (number < 0 || !g_str_equal (g, group))
            continue;
        }
      g_array_append_val (ret, j);
    }
  return ret;
}

static void
build_bipolar (GArray         *outputs,
               IctoRecording  *recording,
               const gboolean *bad)
{
  guint n = icto_recording_get_n_signals (recording);
  g_autofree gboolean *done = g_new0 (gboolean, n);

  for (guint s = 0; s < n; s++)
    {
      const IctoSignalInfo *info = icto_recording_get_signal (recording, s);
      g_autoptr(GArray) contacts = NULL;
      g_autofree char *group = NULL;
      int number;
      guint n_made = 0;

      if (done[s])
        continue;
      group = icto_label_split (info->label, &number);
      if (number < 0 || !info->is_voltage)
        {
          done[s] = TRUE;
          add_as_recorded (outputs, recording, s);
          continue;
        }

      /* the whole shaft, in contact order */
      contacts = g_array_new (FALSE, FALSE, sizeof (Contact));
      for (guint j = s; j < n; j++)
        {
          const IctoSignalInfo *oj = icto_recording_get_signal (recording, j);
          g_autofree char *gj = NULL;
          Contact c;

          if (done[j] || !oj->is_voltage)
            continue;
          gj = icto_label_split (oj->label, &c.number);
          if (c.number < 0 || !g_str_equal (gj, group))
            continue;
          c.signal = j;
          done[j] = TRUE;
          g_array_append_val (contacts, c);
        }
      g_array_sort (contacts, contact_compare);

      for (guint k = 0; k < contacts->len; k++)
        {
          Contact *a = &g_array_index (contacts, Contact, k);
          const IctoSignalInfo *ia = icto_recording_get_signal (recording, a->signal);

          if (bad != NULL && bad[a->signal])
            continue;
          for (guint m = k + 1; m < contacts->len; m++)
            {
              Contact *b = &g_array_index (contacts, Contact, m);
              const IctoSignalInfo *ib = icto_recording_get_signal (recording, b->signal);
              g_autofree char *label = NULL;
              IctoTerm t[2];

              if (bad != NULL && bad[b->signal])
                continue;
              if (ib->sample_rate != ia->sample_rate)
                break;
              t[0].signal = a->signal;
              t[0].weight = 1.0f;
              t[1].signal = b->signal;
              t[1].weight = -1.0f;  /* reads are in uV already */
              label = g_strdup_printf ("%s-%s", ia->label, ib->label);
              add_output (outputs, label, group, a->signal, 2, t, -1);
              n_made++;
              break;
            }
        }
      if (n_made == 0)
        {
          /* a shaft with a single usable contact stays as recorded */
          for (guint k = 0; k < contacts->len; k++)
            add_as_recorded (outputs, recording, g_array_index (contacts, Contact, k).signal);
        }
    }
}

IctoMontageLayout *
icto_montage_layout_new (IctoRecording   *recording,
                         IctoMontageChoice  kind,
                         const gboolean  *bad)
{
  g_autoptr(IctoMontageLayout) self = NULL;
  g_autoptr(GArray) outputs = NULL;
  g_autoptr(GArray) refs = NULL;
  guint n;

  g_return_val_if_fail (ICTO_IS_RECORDING (recording), NULL);

  self = g_new0 (IctoMontageLayout, 1);
  self->ref_count = 1;
  self->kind = kind;
  outputs = g_array_new (FALSE, TRUE, sizeof (IctoDerivation));
  refs = g_array_new (FALSE, TRUE, sizeof (IctoReference));
  n = icto_recording_get_n_signals (recording);

  if (kind == ICTO_MONTAGE_KIND_BIPOLAR)
    build_bipolar (outputs, recording, bad);
  else
    {
      for (guint s = 0; s < n; s++)
        {
          const IctoSignalInfo *info = icto_recording_get_signal (recording, s);
          g_autoptr(GArray) partners = NULL;
          g_autofree char *group = NULL;
          IctoTerm t = { s, 1.0f };
          int number;

          if (kind == ICTO_MONTAGE_KIND_REFERENTIAL || !info->is_voltage)
            {
              add_as_recorded (outputs, recording, s);
              continue;
            }
          group = icto_label_split (info->label, &number);
          if (kind == ICTO_MONTAGE_KIND_LOCAL && number < 0)
            {
              add_as_recorded (outputs, recording, s);
              continue;
            }
          partners = collect_partners (recording, bad,  s,
                                       kind == ICTO_MONTAGE_KIND_LOCAL ? group : NULL);
          if (partners->len < 2)
            {
              add_as_recorded (outputs, recording, s);
              continue;
            }
          add_output (outputs, info->label, group, s, 1, &t, intern_reference (refs, partners));
        }
    }

  self->n_outputs = outputs->len;
  self->outputs = (IctoDerivation *) (void *) g_array_free (g_steal_pointer (&outputs), FALSE);
  self->n_references = refs->len;
  self->references = (IctoReference *) (void *) g_array_free (g_steal_pointer (&refs), FALSE);
  return g_steal_pointer (&self);
}

IctoMontageLayout *
icto_montage_layout_ref (IctoMontageLayout *layout)
{
  g_return_val_if_fail (layout != NULL, NULL);
  g_atomic_int_inc (&layout->ref_count);
  return layout;
}

void
icto_montage_layout_free (IctoMontageLayout *layout)
{
  icto_montage_layout_unref (layout);
}

void
icto_montage_layout_unref (IctoMontageLayout *layout)
{
  if (layout == NULL)
    return;
  if (!g_atomic_int_dec_and_test (&layout->ref_count))
    return;
  for (guint i = 0; i < layout->n_outputs; i++)
    {
      g_free (layout->outputs[i].label);
      g_free (layout->outputs[i].group);
      g_free (layout->outputs[i].terms);
    }
  for (guint i = 0; i < layout->n_references; i++)
    g_free (layout->references[i].signals);
  g_free (layout->outputs);
  g_free (layout->references);
  g_free (layout);
}
