import { api } from '../../auth/api/http';

export interface Department {
  code: string;
  name: string;
  nameEn: string;
}

export interface Category {
  code: string;
  group: string | null;
  groupName: string | null;
  name: string;
  nameEn: string;
  /** routing: the departments this category goes to, the first is the default */
  departments: string[];
}

export const fetchDepartments = () => api<{ departments: Department[] }>('GET', '/api/departments').then((r) => r.departments);
export const fetchCategories = () => api<{ categories: Category[] }>('GET', '/api/event-categories').then((r) => r.categories);
