"""Pages of the risk register: the register with its heat map, a risk's page, the forms
that change a risk, the escalated risks, due reviews and the BAF report."""
