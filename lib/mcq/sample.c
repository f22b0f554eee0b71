/*
 * lib/mcq/sample.c - the built-in "mcq-sample": basic medical questions
 * written by the libmedsafety authors (no upstream text), so that
 * `medsafety mcq mcq-sample` runs offline. Each answer was checked twice
 * against standard textbook knowledge (see docs/mcq.md). Right answers
 * by letter: A 10, B 14, C 8, D 4 (two questions are yes/no/maybe).
 */
#include <stdio.h>

#include "medsafety/mcq.h"
#include "core/error.h"
#include "mcq/mcq.h"

typedef struct sample_q {
	const char *subject;
	const char *question;
	const char *options[4]; /* NULL after the last */
	int answer;
} sample_q;

static const sample_q questions[] = {
	{ "nutrition", "A lack of which vitamin leads to scurvy?",
	  { "Vitamin A", "Vitamin C", "Vitamin D", "Vitamin K" }, 1 },
	{ "pharmacology", "Which medicine is given to reverse an opioid overdose?",
	  { "Naloxone", "Flumazenil", "Atropine", "Protamine sulfate" }, 0 },
	{ "pharmacology", "Which agent neutralises the anticoagulant effect of unfractionated heparin?",
	  { "Vitamin K", "Protamine sulfate", "Naloxone", "Glucagon" }, 1 },
	{ "physiology", "What is the usual resting heart rate of a healthy adult, in beats per minute?",
	  { "20 to 40", "40 to 55", "60 to 100", "110 to 150" }, 2 },
	{ "endocrinology", "Which organ makes insulin?",
	  { "Liver", "Pancreas", "Spleen", "Kidney" }, 1 },
	{ "hematology", "People with which blood group can give red cells to recipients of any ABO and RhD group?",
	  { "AB positive", "O negative", "A negative", "B positive" }, 1 },
	{ "endocrinology", "What is the main cause of type 1 diabetes?",
	  { "Insulin resistance of muscle and fat", "Autoimmune destruction of the pancreatic beta cells",
	    "Too much glucagon", "Eating too little sugar" }, 1 },
	{ "anatomy", "Which nerve is squeezed in carpal tunnel syndrome?",
	  { "Ulnar nerve", "Radial nerve", "Median nerve", "Axillary nerve" }, 2 },
	{ "microbiology", "Which bacterium most often causes pneumonia acquired outside hospital in adults?",
	  { "Streptococcus pneumoniae", "Escherichia coli", "Staphylococcus epidermidis",
	    "Clostridioides difficile" }, 0 },
	{ "pharmacology", "Which blood test is used to adjust the dose of warfarin?",
	  { "Glycated haemoglobin (HbA1c)", "International normalised ratio (INR)", "Troponin",
	    "Thyroid-stimulating hormone" }, 1 },
	{ "cardiology", "Tall, peaked T waves on an ECG suggest which disturbance?",
	  { "High potassium", "Low sodium", "Low calcium", "High magnesium" }, 0 },
	{ "microbiology", "Which disease, caused by a bacterial toxin entering through a wound, makes muscles go into spasm?",
	  { "Measles", "Tetanus", "Rubella", "Mumps" }, 1 },
	{ "pharmacology", "Which tablet is the usual first medicine for most adults with type 2 diabetes?",
	  { "Metformin", "Insulin glargine", "Prednisolone", "Levothyroxine" }, 0 },
	{ "neurology", "Which part of the brain chiefly coordinates balance and smooth movement?",
	  { "Cerebellum", "Hippocampus", "Thalamus", "Pituitary gland" }, 0 },
	{ "anatomy", "Which is the largest organ of the human body?",
	  { "Liver", "Brain", "Skin", "Lung" }, 2 },
	{ "immunology", "Which cells secrete antibodies?",
	  { "Plasma cells", "Neutrophils", "Platelets", "Red blood cells" }, 0 },
	{ "endocrinology", "Glycated haemoglobin (HbA1c) reflects the average blood sugar over about how long?",
	  { "One day", "One week", "Two to three months", "Two years" }, 2 },
	{ "endocrinology", "Levothyroxine is the standard treatment for which condition?",
	  { "Hyperthyroidism", "Cushing syndrome", "Addison disease", "Hypothyroidism" }, 3 },
	{ "nephrology", "What is the working unit of the kidney called?",
	  { "Alveolus", "Neuron", "Nephron", "Osteon" }, 2 },
	{ "pulmonology", "Where in the lungs do oxygen and carbon dioxide cross between air and blood?",
	  { "Alveoli", "Bronchi", "Trachea", "Pleura" }, 0 },
	{ "nutrition", "Poor vision in dim light (night blindness) is an early sign of a shortage of which vitamin?",
	  { "Vitamin B12", "Vitamin E", "Vitamin C", "Vitamin A" }, 3 },
	{ "hematology", "Pernicious anaemia comes from failing to absorb which nutrient?",
	  { "Iron", "Folate", "Vitamin B12", "Vitamin D" }, 2 },
	{ "endocrinology", "Which hormone does the adrenal medulla release?",
	  { "Cortisol", "Epinephrine (adrenaline)", "Aldosterone", "Thyroxine" }, 1 },
	{ "microbiology", "Which organism causes tuberculosis?",
	  { "Treponema pallidum", "Plasmodium falciparum", "Mycobacterium tuberculosis",
	    "Borrelia burgdorferi" }, 2 },
	{ "microbiology", "Malaria is caused by parasites of which genus?",
	  { "Giardia", "Plasmodium", "Toxoplasma", "Trypanosoma" }, 1 },
	{ "physiology", "What is the normal pH range of arterial blood?",
	  { "6.80 to 7.00", "7.35 to 7.45", "7.60 to 7.80", "8.00 to 8.20" }, 1 },
	{ "cardiology", "Which vessels bring oxygen-rich blood from the lungs back to the heart?",
	  { "Aorta", "Superior vena cava", "Pulmonary arteries", "Pulmonary veins" }, 3 },
	{ "cardiology", "Which valve separates the left atrium from the left ventricle?",
	  { "Mitral valve", "Tricuspid valve", "Aortic valve", "Pulmonary valve" }, 0 },
	{ "ethics", "What makes a patient's consent to treatment valid?",
	  { "The family agrees", "A hospital manager signs the form",
	    "A patient able to decide, given the relevant information, chooses freely",
	    "The physician decides what is best" }, 2 },
	{ "pharmacology", "Which medicines relieve an acute asthma attack by opening the airways within minutes?",
	  { "Beta blockers", "Short-acting beta-2 agonists such as salbutamol", "ACE inhibitors",
	    "Loop diuretics" }, 1 },
	{ "pharmacology", "How does low-dose aspirin reduce platelet clumping?",
	  { "It blocks the ADP receptor reversibly", "It inhibits cyclooxygenase irreversibly",
	    "It inhibits vitamin K epoxide reductase", "It activates antithrombin" }, 1 },
	{ "anatomy", "Which is the longest bone of the human body?",
	  { "Humerus", "Tibia", "Fibula", "Femur" }, 3 },
	{ "hematology", "Which finding is typical of iron-deficiency anaemia?",
	  { "A high serum ferritin", "Small, pale red cells (microcytic, hypochromic)",
	    "Large red cells with hypersegmented neutrophils", "A raised reticulocyte count" }, 1 },
	{ "cardiology", "Which chamber of the heart pumps blood into the aorta?",
	  { "Left ventricle", "Right ventricle", "Left atrium", "Right atrium" }, 0 },
	{ "epidemiology", "Is cigarette smoking a risk factor for lung cancer?",
	  { "yes", "no", "maybe", NULL }, 0 },
	{ "pharmacology", "Do antibiotics cure a common cold caused by a virus?",
	  { "yes", "no", "maybe", NULL }, 1 },
};

MSB_API int msb_mcq_load_sample(msb_mcq_set **out)
{
	msb_mcq_set *set;
	size_t i;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_mcq_load_sample: NULL out");
	*out = NULL;
	if (!(set = msb__mcq_set_new()))
		return MSB_ENOMEM;
	for (i = 0; i < sizeof questions / sizeof questions[0]; i++) {
		const sample_q *s = &questions[i];
		msb__mcq_question *q = msb__mcq_push(set);
		char id[32];
		int k;
		snprintf(id, sizeof id, "mcq-sample/%zu", i + 1);
		if (!q || msb__mcq_dup(&q->id, id) || msb__mcq_dup(&q->question, s->question) ||
		    msb__mcq_dup(&q->context, "") || msb__mcq_dup(&q->subject, s->subject) ||
		    msb__mcq_dup(&q->source, "mcq-sample"))
			goto nomem;
		for (k = 0; k < 4 && s->options[k]; k++)
			if (msb__mcq_dup(&q->options[q->n_options++], s->options[k]))
				goto nomem;
		q->answer = s->answer;
	}
	*out = set;
	return 0;
nomem:
	msb_mcq_set_free(set);
	return MSB_ENOMEM;
}
