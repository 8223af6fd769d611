provider "aws" {
  region = "us-east-1"
}

variable "vpc_id" {
  type        = string
  description = "VPC of the Spinnaker instances and load balancers."
}

variable "instance_subnet_ids" {
  type        = list(string)
  description = "Private subnets of the instances, in two AZs or more."
}

variable "user_cidrs" {
  type        = list(string)
  description = "Who may reach deck and gate."
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the load balancers from deletion; set false and apply before destroying."
  default     = true
}

module "spinnaker" {
  source   = "../.."
  for_each = toset(["staging", "prod"])

  environment         = each.key
  tags                = { environment = each.key }
  vpc_id              = var.vpc_id
  instance_subnet_ids = var.instance_subnet_ids
  user_cidrs          = var.user_cidrs
  deletion_protection = var.deletion_protection
}

output "deck_urls" {
  value = { for environment, spinnaker in module.spinnaker : environment => spinnaker.deck_url }
}

output "server_groups" {
  value = { for environment, spinnaker in module.spinnaker : environment => spinnaker.auto_scaling_group_name }
}
