"""Sentence templates for synthetic French and English mentions."""

NEGATIVE = {
    "fr": [
        "{handle} encore une panne réseau depuis ce matin, c'est inadmissible",
        "{handle} toujours pas de remboursement, service client nul",
        "Franchement {name} c'est une honte, trois jours sans connexion",
        "{handle} votre hotline ne répond jamais, je suis furieux",
        "Je quitte {name}, facture fausse et conseiller injoignable #boycott",
        "{name} arnaque totale, prélèvement en double et aucune réponse",
    ],
    "en": [
        "{handle} another outage today, this is unacceptable",
        "{handle} still waiting for my refund, worst customer service ever",
        "{name} is a disgrace, no network for three days",
        "{handle} your support never answers, I am furious",
        "Leaving {name}, charged twice and nobody cares #boycott",
        "{name} total scam, billing broken again",
    ],
}
NEUTRAL = {
    "fr": ["{handle} quels sont vos horaires d'ouverture ?", "Nouvelle boutique {name} à Lyon ce samedi",
           "{name} annonce un nouveau forfait pour la rentrée"],
    "en": ["{handle} what are your opening hours?", "{name} opens a new store downtown on Saturday",
           "{name} announces a new plan for the autumn"],
}
POSITIVE = {
    "fr": ["Merci {handle}, problème réglé en dix minutes, super", "Bravo {name}, le nouveau service est génial"],
    "en": ["Thanks {handle}, fixed in ten minutes, great support", "Love the new {name} app, awesome work"],
}
TROLL = {
    "fr": ["{name} nul nul nul, la pire boîte de France", "{handle} toujours aussi nuls, honte à vous"],
    "en": ["{name} worst company ever, total garbage", "{handle} still useless, shame on you"],
}
BRAND_REPLY = {
    "fr": ["Bonjour, nous sommes désolés, nous vous contactons en message privé.",
           "Bonjour, désolés pour la gêne. Pouvez-vous nous écrire en MP avec votre numéro de dossier ?",
           "Merci pour votre message, un conseiller revient vers vous aujourd'hui."],
    "en": ["Hi, we are sorry about this, we are reaching out in a private message.",
           "Sorry to hear that! Please DM us your booking reference and we'll look into it.",
           "Thanks for letting us know, our team is on it and will get back to you today."],
}
# What a community manager must not post: a customer's personal data asked for in public (conduct.py).
PUBLIC_DATA_REQUEST = {
    "fr": "Bonjour, envoyez-nous votre numéro de réservation et votre adresse e-mail ici, on regarde tout de suite.",
    "en": "Hi! Reply here with your booking reference and your email address and we'll check right away.",
}

# A detail appended to generated posts: real people rarely write the very same sentence, and the
# detector treats identical texts from many accounts as copy-paste (one voice), so scenarios need variety.
DETAILS = {
    "fr": ["dossier {n}", "ligne {n}", "client depuis {y} ans", "à {city}", "ticket {n}", "commande {n}",
           "{d} jours que ça dure", "troisième appel aujourd'hui", ""],
    "en": ["case {n}", "account {n}", "customer for {y} years", "in {city}", "ticket {n}", "order {n}",
           "day {d} of this", "third call today", ""],
}
CITIES = ["Lyon", "Paris", "Lille", "Nantes", "Montréal", "Québec", "Boston", "Denver", "Leeds", "Dublin", "Genève"]
AMBASSADOR = {
    "fr": "Je relaie: une abonnée de {name} attend son remboursement depuis deux mois, {handle} c'est inadmissible",
    "en": "Passing this on: a {name} customer has waited two months for a refund, {handle} this is unacceptable",
}
ECHO_NEGATIVE = {
    "fr": ["Pareil pour moi avec {name}, remboursement jamais reçu", "{handle} même problème, honte"],
    "en": ["Same here with {name}, refund never came", "{handle} same problem, shame on you"],
}
BOT = "{name} SCANDAL!!! they steal your money, boycott {name} now #boycott"
